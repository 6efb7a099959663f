"""Sufficiency in the carers' view: approved places, filled, vacant and on hold, by age band and
type of care, and the households with room for another child."""

urlpatterns = []
