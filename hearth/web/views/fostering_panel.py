"""The fostering panel: its sittings, their agenda, the recommendation on the day, the minutes, and
the agency decision maker's decision with the approval terms and the appeal window."""

urlpatterns = []
