"""Health, metrics, request ids and security headers."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from taskflow.config import Settings
from taskflow.main import create_app


async def test_live_answers_200(client: AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_health_is_also_under_the_api_prefix(client: AsyncClient) -> None:
    assert (await client.get("/api/v1/health/live")).status_code == 200
    assert (await client.get("/api/v1/health/ready")).status_code == 200


async def test_ready_when_database_answers(client: AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not configured"}


async def test_ready_is_503_when_redis_does_not_answer(settings: Settings) -> None:
    from asgi_lifespan import LifespanManager
    from httpx import ASGITransport

    # Nothing listens on port 1: the configured Redis is down.
    down = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    app = create_app(down)
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http,
    ):
        response = await http.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["redis"] == "unavailable"
    assert response.json()["database"] == "ok"


async def test_ready_checks_redis_when_configured(settings: Settings, redis_url: str) -> None:
    from asgi_lifespan import LifespanManager
    from httpx import ASGITransport

    app = create_app(settings.model_copy(update={"redis_url": redis_url}))
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http,
    ):
        response = await http.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["redis"] == "ok"


async def test_ready_is_503_when_database_is_unreachable(settings: Settings) -> None:
    from asgi_lifespan import LifespanManager
    from httpx import ASGITransport

    down = settings.model_copy(
        update={"database_url": "postgresql://postgres@127.0.0.1:1/none", "db_connect_timeout": 1}
    )
    app = create_app(down)
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http,
    ):
        response = await http.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


async def test_every_response_carries_request_id_and_security_headers(
    client: AsyncClient,
) -> None:
    for path in ("/health/live", "/api/v1/does-not-exist", "/api/v1/openapi.json"):
        response = await client.get(path)
        assert len(response.headers["X-Request-ID"]) >= 16
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"


async def test_sane_incoming_request_id_is_kept(client: AsyncClient) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "abc-123.def"})
    assert response.headers["X-Request-ID"] == "abc-123.def"


@pytest.mark.parametrize("bad", ["a b", "x" * 200, "id\tinjected", "<script>"])
async def test_insane_incoming_request_id_is_replaced(client: AsyncClient, bad: str) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": bad})
    assert response.headers["X-Request-ID"] != bad
    assert len(response.headers["X-Request-ID"]) == 32


async def test_unknown_api_path_is_json_404(client: AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


async def test_openapi_and_docs_are_served(client: AsyncClient) -> None:
    schema = await client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "TaskFlow"
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


async def test_metrics_count_requests_by_route_template(client: AsyncClient) -> None:
    await client.get("/health/live")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'taskflow_http_requests_total{method="GET",route="/health/live",status="200"}' in (
        response.text
    )


@pytest.mark.parametrize("settings_overrides", [{"metrics_enabled": False}])
async def test_metrics_can_be_switched_off(client: AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 404


@pytest.mark.parametrize("settings_overrides", [{"max_body_bytes": 2048}])
async def test_oversized_body_is_413(client: AsyncClient) -> None:
    response = await client.post("/api/v1/anything", content=b"x" * 4096)
    assert response.status_code == 413


@pytest.mark.parametrize("settings_overrides", [{"max_body_bytes": 2048, "max_import_bytes": 8192}])
async def test_import_has_its_own_larger_body_limit(client: AsyncClient) -> None:
    # Past the general limit but within the import's: it reaches the route (401: no token).
    within = await client.post("/api/v1/import", content=b"x" * 4096)
    assert within.status_code == 401
    beyond = await client.post("/api/v1/import", content=b"x" * 10_000)
    assert beyond.status_code == 413


@pytest.mark.parametrize("settings_overrides", [{"cors_origins": ["https://app.example"]}])
async def test_cors_allows_configured_origin_only(client: AsyncClient) -> None:
    allowed = await client.get("/health/live", headers={"Origin": "https://app.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    other = await client.get("/health/live", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


async def test_no_cors_headers_when_no_origins_configured(client: AsyncClient) -> None:
    response = await client.get("/health/live", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers


async def test_web_app_paths_do_not_shadow_api(client: AsyncClient) -> None:
    root = await client.get("/")
    assert root.status_code == 200
    assert "text/html" in root.headers["content-type"]
    client_route = await client.get("/projects/12")
    assert client_route.status_code == 200
    assert (await client.get("/api/v1/unknown")).status_code == 404
