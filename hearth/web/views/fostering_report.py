"""The monthly fostering figures (`hearth.fostering.report`) on screen as the council's table,
with the funnel chart, CSV download, further figures and the regional comparators."""

urlpatterns = []
