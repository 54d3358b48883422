import os

# Tests run with the development settings; production checks are exercised explicitly.
os.environ.setdefault("DEBUG", "1")
