{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiJjMWJkMjBkZjY3MzIwYWUyOTVlY2I4NDYzNjJiNDU3ZDhmZWZjNDllMjIxZWY3NmY5ZTRiYjIxYzVkYzYxMzVmIn0sIm5hbWUiOiJzdHJlc3Nfc3VtbWFyeS5qc29uIn1dfQ==",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "JvD+Qf80g1x5s9e+YpseC+VM45G51Dk8DZRtRlX0fKlHS//hibDx3EG+vDEimlTfj4XiZqZkEXXbjsAH1aVUAQ=="
    }
  ]
}
