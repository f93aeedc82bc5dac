app_name = "mail"

urlpatterns = []
