"""API keys with budgets, rate limits and allowed models: the parts every service shares.

``policy.py`` says what a key may do and validates it, ``token.py`` how its secret is made
and checked, ``admission.py`` the values that cross the limiter's interface,
``estimate.py`` a request's worst case. The store and the
Redis limiter live in the health service (``services/health/keys/``).
"""
