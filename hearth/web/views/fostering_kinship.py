"""Kinship: viability assessments asked for by a child's social worker and decided jointly, and
Regulation 24 temporary approvals with their Regulation 25 extensions."""

urlpatterns = []
