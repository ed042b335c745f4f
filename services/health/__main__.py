from masterx.service_main import run_service
from services.health.server import serve
from services.health.settings import HealthSettings

if __name__ == "__main__":
    run_service("health", HealthSettings, serve)
