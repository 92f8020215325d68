{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiI0YTAyZWFhOGNiMjk2MzAyYzk4N2Y2YmRkMjljMGE4NTdmMThkMTgyOGE0OGYzYjI5MDNmN2I5NTA2NWNmZWUwIn0sIm5hbWUiOiJ0Y29fcmVwb3J0LmNzdiJ9XX0=",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "gL3D4cCyVkxGIwLcHESFLOYOEWQg3znJcfUCeTuj+bEqA+uvLz6oudMjmitP3sjC7oUn+edO9efBg9VyuppGCQ=="
    }
  ]
}
