from masterx.service_main import run_service
from services.benchmark.server import serve
from services.benchmark.settings import BenchmarkSettings

if __name__ == "__main__":
    run_service("benchmark", BenchmarkSettings, serve)
