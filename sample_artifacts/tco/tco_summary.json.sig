{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiIzZjI0NjFjYzk4OGZiM2I5ODRiYTZlZGZjZWM2ZjM5YjM2Yjc3MDcyZGE5MzIwMDJhYWJkODgzNTk1YjYwMjEyIn0sIm5hbWUiOiJ0Y29fc3VtbWFyeS5qc29uIn1dfQ==",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "pqhoyNO4aCRpnYbVd+ZTOtTSml1uJzBZE+HWbwI9Q7mtEBPjV18y65K/XQFZZSFiUF6YzsaO/zBVheenN7DgCw=="
    }
  ]
}
