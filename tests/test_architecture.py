"""The code's shape: apps depend one way, and no two modules import each other.

Apps stand in layers, each allowed to use the ones below it:

    itprosig helpers (validators, caches, queueing)  <  chapters  <  members  <  meetings
        <  speakers, community  <  project

"project" is what wires the apps together: settings, URLs, the admin site, context processors,
Celery. A page that shows another app's data calls that app's selectors from its view, so views,
URLs and template tags may look up the layers; models, services, selectors, tasks, management
commands and everything else may not. The check walks every import, those inside functions too.
"""

import ast
import pathlib

from django.conf import settings

ROOT = pathlib.Path(settings.BASE_DIR)
APPS = ["chapters", "members", "meetings", "speakers", "community"]
LAYER = {"chapters": 1, "members": 2, "meetings": 3, "speakers": 4, "community": 4}
PROJECT_MODULES = {
    "itprosig",
    "itprosig.settings",
    "itprosig.urls",
    "itprosig.admin_site",
    "itprosig.context_processors",
    "itprosig.celery",
    "itprosig.wsgi",
    "itprosig.asgi",
    "itprosig.apps",
    "itprosig.checks",
}
PAGE_PARTS = {"views", "urls", "templatetags"}


def _modules():
    for package in [*APPS, "itprosig"]:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


MODULES = dict(_modules())


def _layer(module):
    if module in PROJECT_MODULES:
        return 9
    top = module.split(".")[0]
    return LAYER.get(top, 0)


def _resolve(module, path, node):
    """Return the project modules an import statement names."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            package = module.split(".")
            if path.name != "__init__.py":
                package = package[:-1]
            base = package[: len(package) - node.level + 1]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        submodules = [f"{prefix}.{alias.name}" for alias in node.names]
        # `from package import module` uses the module; the package counts only for names it defines.
        names = submodules if all(name in MODULES for name in submodules) else [prefix, *submodules]
    found = []
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name:
            found.append(name)
    return found


def _imports(*, top_level_only):
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        nodes = tree.body if top_level_only else ast.walk(tree)
        edges = set()
        for node in nodes:
            if isinstance(node, ast.If) and top_level_only:
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges.update(dep for dep in _resolve(module, path, node) if dep != module)
        graph[module] = edges
    return graph


def _is_page(module):
    return bool(PAGE_PARTS.intersection(module.split(".")))


def test_apps_import_only_the_layers_below_them():
    back_edges = [
        f"{module} -> {dep}"
        for module, deps in _imports(top_level_only=False).items()
        if not _is_page(module)
        for dep in deps
        if _layer(dep) > _layer(module)
    ]
    assert back_edges == []


def test_no_two_modules_import_each_other():
    graph = _imports(top_level_only=False)
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in graph[node]:
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    assert cycles == []


def test_the_check_sees_the_whole_code():
    # Guards the two tests above against passing because they read nothing.
    graph = _imports(top_level_only=False)
    assert len(graph) > 40
    assert "chapters.models" in graph["meetings.models"]
