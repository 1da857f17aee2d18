"""The clerk's workspace in a browser: ``dvk serve``.

A Starlette application over one workspace, thin over the same functions of :mod:`pipeline.run`
as the command line: every page reads the configuration and the register as ``dvk status`` does,
every action calls the function its command calls, under the same workspace lock. Modules:
:mod:`.app` (the application and its pages' routes), :mod:`.security` (sessions, CSRF, origin,
headers), :mod:`.site` (what every page shares), :mod:`.jobs` (consolidation in the background,
with progress), :mod:`.uploads` (files received through the page), :mod:`.server` (uvicorn), and
one module per page group in :mod:`.pages`. Templates and the vendored JavaScript and CSS are
package data: it works with no internet.
"""
