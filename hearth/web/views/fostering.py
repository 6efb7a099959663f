"""The fostering service's front page: what waits for the fostering team, the lists (enquiries,
recontacts, assessments, panels, visits and reviews due, holds), and the links to the figures."""

urlpatterns = []
