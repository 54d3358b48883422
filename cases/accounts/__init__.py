"""Sign-in security: throttling and lockout (django-axes), two factors (django-otp TOTP and recovery codes),
the password policy, session timeouts and sign-out everywhere, response headers (CSP with django-csp)."""
