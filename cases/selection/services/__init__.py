"""Writes of the public selection: calls (calls.py), applications (applications.py), the comparative review
(review.py), publication and conclusion (publication.py), continuing into the filing flow (continuation.py)."""
