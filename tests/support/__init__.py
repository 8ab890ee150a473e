"""Test data shared by unit, AppTest and browser tests: small libraries built in a temp folder."""
