{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiJjMWEwYWZiNDdkMTM0ZDc0ODcwYzQ2MmViZGI3ZjA3NjQzZGViNGZhYjc1OWZhYmFlNjlhMzg2NzZjMjY3NzRmIn0sIm5hbWUiOiJ0Y29fc3VtbWFyeS5qc29uIn1dfQ==",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "/m60EWNUFLAR7a7YJnxyRbtHDe9ABttY7a047v/2NFX1FcEmhV6hR2SgFE/f4Z8LvXe8GmQoDOK/eIYIpX+8BA=="
    }
  ]
}
