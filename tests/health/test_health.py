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


async def test_metrics_and_access_log_use_the_full_route_template(
    client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    # FastAPI >= 0.137 keeps included routes unprefixed in scope["route"] (`/tasks/{task_id}`);
    # the label must be the whole template, /api/v1 included, never the raw path.
    with caplog.at_level("INFO", logger="taskflow.access"):
        await client.get("/api/v1/tasks/424242")
        await client.get("/api/v1/projects")
    routes = [getattr(r, "route", None) for r in caplog.records if r.name == "taskflow.access"]
    assert routes == ["/api/v1/tasks/{task_id}", "/api/v1/projects"]
    text = (await client.get("/metrics")).text
    assert 'method="GET",route="/api/v1/tasks/{task_id}",status="401"' in text
    assert 'route="/api/v1/projects"' in text
    assert "424242" not in text


async def test_metrics_expose_pool_websocket_and_job_series(client: AsyncClient) -> None:
    # The request histogram has a series once a request was timed: when this test is the first
    # of its worker's process, nothing was yet.
    assert (await client.get("/api/v1/auth/providers")).status_code == 200
    text = (await client.get("/metrics")).text
    for name in (
        "taskflow_db_pool_size",
        "taskflow_db_pool_checked_out",
        "taskflow_websocket_connections",
        "taskflow_http_request_duration_seconds_bucket",
    ):
        assert name in text


async def test_metrics_are_not_under_the_api_prefix(client: AsyncClient) -> None:
    # nginx proxies all of /api/ to the public: metrics must not be reachable there
    assert (await client.get("/api/v1/metrics")).status_code == 404


async def test_access_log_never_holds_query_strings_or_credentials(
    client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "s3cr3t-token-value-in-a-url"
    with caplog.at_level("DEBUG"):
        await client.get(f"/verify-email?token={secret}")
        await client.get(
            f"/api/v1/tasks?token={secret}", headers={"Authorization": f"Bearer {secret}"}
        )
        await client.post("/api/v1/auth/token", data={"username": "nobody", "password": secret})
    # (httpx, the test's own client, logs the URLs it requests; the server side must not)
    server_side = [record for record in caplog.records if record.name != "httpx"]
    assert any(record.name == "taskflow.access" for record in server_side)
    for record in server_side:
        assert secret not in record.getMessage()
        assert secret not in str(record.__dict__)
