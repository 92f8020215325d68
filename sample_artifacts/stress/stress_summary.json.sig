{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiI0NjViYWI3OTNiN2M5NjFlNTU1YTg4MDgyYTQ1NWQ5NzNiODYzODI3NzFhMTk3ZWJjMzUyNTlhZDRlMTZiOWQ3In0sIm5hbWUiOiJzdHJlc3Nfc3VtbWFyeS5qc29uIn1dfQ==",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "dLlF1hcB2/FyQMfO7Bbmc1vFuP24GjDlQdgig70eLvX+eKoUmCLBX8ByVhz6YZig7swnlfhQQXElIveyy/wjAg=="
    }
  ]
}
