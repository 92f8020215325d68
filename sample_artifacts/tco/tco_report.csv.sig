{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiJkMTFjM2M0ODEzNjc3NDQ5NDlhMjVkMzc2NGE1MWNiNmU3NzA3MmM1ZmNkMDVjNzUwOTY3YmVhMTNiZGYzNTA1In0sIm5hbWUiOiJ0Y29fcmVwb3J0LmNzdiJ9XX0=",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "CAAckLO+roha17q00zp86xy5RxOXfl5v08qmTd5Mvyva3V2De5usM9S8lNyXdlXUYRPpRqc8x9jpSRpoiaDyDg=="
    }
  ]
}
