"""The API's docs page in a real headless Chromium: it works with nothing from elsewhere."""

from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Route, expect

from tests.server import Server

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

# Only the site's own files: no inline script or style, nothing from elsewhere. Images may be
# data: URLs, as the site's favicon and Swagger UI's icons are.
STRICT_CSP = "default-src 'self'; img-src 'self' data:"


async def test_the_docs_page_works_offline_under_a_strict_content_security_policy(
    shared_server: Server, browser: Browser
):
    async with await browser.new_context() as context:
        page = await context.new_page()
        requested: list[str] = []
        refused: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: refused.append(message.text))

        async def with_strict_csp(route: Route) -> None:
            response = await route.fetch()
            headers = {**response.headers, "content-security-policy": STRICT_CSP}
            await route.fulfill(response=response, headers=headers)

        await page.route("**/api/docs", with_strict_csp)
        await page.goto(f"{shared_server.url}/api/docs")

        operation = page.locator(".opblock-summary-path").first
        await expect(operation).to_have_attribute("data-path", "/api/rooms/{slug}/messages/")
        # "Try it out" posts a message: the page sends its CSRF token.
        post = page.locator(".opblock-post")
        await post.locator(".opblock-summary").click()
        await expect(post.locator("td.parameters-col_description")).to_contain_text("Room names")
        await post.get_by_role("button", name="Try it out").click()
        await post.locator("input[placeholder='slug']").fill("from-the-docs")
        await post.locator("textarea.body-param__text").fill('{"text": "tried it out"}')
        await post.get_by_role("button", name="Execute").click()
        status = post.locator(".live-responses-table tbody .response-col_status")
        await expect(status).to_have_text("201")
    hosts = {urlsplit(url).hostname for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}
    # The console reports each thing the policy refused.
    assert [text for text in refused if "Content Security Policy" in text] == []
