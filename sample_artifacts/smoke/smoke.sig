{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiJlZDEwMzQ3NjdiYjdlYjY4ZmYzOWM3MDY5OTFmMmNlNjUzZGY2MTE3MDNkNzY3YWNjNzJmZjBjN2I3N2ZjOTgxIn0sIm5hbWUiOiJzYW1wbGVfaW5jaWRlbnQuanNvbiJ9XX0=",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "qogGis85f1EEtfKUZvHuJKSC3iPnOrVrzsAUl81IZFj2ViA95o3vB+jvQNipkaqxPaL0j9+lOuTL24uxQOmcDw=="
    }
  ]
}
