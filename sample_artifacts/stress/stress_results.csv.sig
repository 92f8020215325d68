{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiI4NjcyNzQxMzQ0NzFjNmIzMzkxOTIxMjI5MTc3ZDlmNWE2MDgzYmFjZTllYWQ4YTE0NTlhMTlmNjNjZmYxOGMwIn0sIm5hbWUiOiJzdHJlc3NfcmVzdWx0cy5jc3YifV19",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "LwvIZ73u+vMCEbEmwW30yp9H1lNB7tBi7NZwy/yqdOsqJ4rHtV5h3mLeZs8K+KK+HVA6AaENa/ZJygZ/iGXiDA=="
    }
  ]
}
