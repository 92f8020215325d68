{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiIzMmNkMDg1MzljMDk2MDc0ZTE0Mjk2YzM2ODI0NjYzMDkwYzQ2NzcyYWYyYTFlYjY4OGJjNzYwMjIwZTkyMDdjIn0sIm5hbWUiOiJzdHJlc3Nfc3VtbWFyeS5qc29uIn1dfQ==",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "dd3+tFAdXx4PtHgbh8z1XF5bo+mHv1fQQ74LV3LraU9u9DZzWPAxLM+TEnvleWUZGjbHCbE60RdXoB7yxDBYDA=="
    }
  ]
}
