"""Recruitment and retention action plans: objectives, actions, leads, dates, what success looks
like, and each action's RAG status with its history."""

urlpatterns = []
