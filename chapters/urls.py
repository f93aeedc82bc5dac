app_name = "chapters"

urlpatterns = []
