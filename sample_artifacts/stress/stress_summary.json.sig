{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiJmMDc5YWRhMmE2NTc3Y2IyMDE2Mzc5OTNhZDQ2ZDk5YTA0ODIxNzNlMmUzODY3NGMwNmU1Y2FmODBhYmNhZWRkIn0sIm5hbWUiOiJzdHJlc3Nfc3VtbWFyeS5qc29uIn1dfQ==",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "8b5R5E3m4qmoBVARXuSRDwuGxM7sn3b9tixlKz8scZqFKLoImvsatDyZONaW36SCsAuO2J/zAYdLSSljmrl7Dw=="
    }
  ]
}
