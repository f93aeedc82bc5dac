app_name = "checkin"

urlpatterns = []
