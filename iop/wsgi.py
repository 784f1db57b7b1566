import os

from django.core.wsgi import get_wsgi_application

from iop.runtime import ensure_var_dirs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")
ensure_var_dirs()
application = get_wsgi_application()
