import os

from django.core.asgi import get_asgi_application

from iop.runtime import ensure_var_dirs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")
ensure_var_dirs()
application = get_asgi_application()
