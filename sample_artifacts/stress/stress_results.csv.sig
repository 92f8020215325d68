{
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiYWxnb3JpdGhtIjoiZWQyNTUxOSIsImtleWlkIjoiREVNTy1LRVktTk9ULUZPUi1QUk9EVUNUSU9OIn0sInByZWRpY2F0ZVR5cGUiOiJ1cm46c3RhZ2U1a2l0OnNpZ25hdHVyZTp2MSIsInN1YmplY3QiOlt7ImRpZ2VzdCI6eyJzaGEyNTYiOiI5YzRlOWI1MDUzOWJmMzI0ZDYzMWYzYWRiZTU3OWY5NTQyY2I1OWY0OTI2NzU3MWY0YzQyMTIyYzAxZDExNTAwIn0sIm5hbWUiOiJzdHJlc3NfcmVzdWx0cy5jc3YifV19",
  "payloadType": "application/vnd.in-toto+json",
  "signatures": [
    {
      "keyid": "DEMO-KEY-NOT-FOR-PRODUCTION",
      "sig": "KG6aQdkEghi3dvn8XAWkD5pTXujEnWsPCYOmi0h3y/js0awCKVoKXC/xWH+3RTSR3zdxVW+hM5262+v965e8CA=="
    }
  ]
}
