"""Supporting approved carers: the supervising social worker, supervisory and unannounced visits,
annual reviews, training and the development plan, and requests for support."""

urlpatterns = []
