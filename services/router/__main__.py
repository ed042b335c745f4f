from masterx.service_main import run_service
from services.router.server import serve
from services.router.settings import RouterSettings

if __name__ == "__main__":
    run_service("router", RouterSettings, serve)
