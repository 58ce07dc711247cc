// placeholder, replaced as the supervisor is written
