{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiJhMTFhYjZlODM3OGVlYmUwODI3YjQ4MWM4ZDZmZmRjMzRiMjBkMDFjMGIwMzUxYzUxZWMwZjg1OGFjM2IwMGI2In0sIm5hbWUiOiJzdHJlc3Nfc3VtbWFyeS5qc29uIn1dfQ==",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "CvFJ12C7n+ePwgbAdue3jFWmtIAYyznEK/H1H/YmJjmFCLZUQydD35xrY7OMcP++pBKKHWPuq2twLdxpjxHNBQ=="
    }
  ]
}
