"""Enquiries, initial visits, applications with their statutory checks, and assessments (Form F and
Form K) with their visits and preparation training."""

urlpatterns = []
