"""Holds, allegations (with the LADO) and carers leaving fostering."""

urlpatterns = []
