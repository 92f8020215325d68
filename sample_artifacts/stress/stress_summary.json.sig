{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiJlNTg2YjkxMzg1MGFiZGEzNmI1NjAxOWQxNjE5NzE2ZjMxMDM3NGY0M2Q3OWJjZTljNjljNGQxODM4ZDNhOTcxIn0sIm5hbWUiOiJzdHJlc3Nfc3VtbWFyeS5qc29uIn1dfQ==",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "XUVc0uS8FH7JKSCV8v/5u+RIVMQlm8BdqL2Xe7rajyNW1eT+oMe245vqD1C4LEU0byt2UMlt3eZ8vlubEB0CCw=="
    }
  ]
}
