"""newsbot in Slack: `create_app` (app.py), `serve` (serve.py), `FeedbackStore` (feedback.py).

Import from the submodules; this package imports nothing so `newsbot feedback` stays light.
"""
