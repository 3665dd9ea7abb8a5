"""Dependencies point one way: config → feature apps → subsidies, and no module imports another in a circle.

Read from the source (``tests/architecture.py``): every import statement of every module of the project's apps,
deferred imports inside functions included, and every ``{% load %}`` of the project's templates.
"""

from tests.architecture import (
    ROOT,
    import_circles,
    import_graph,
    source_files,
    template_libraries,
    upward_imports,
    upward_loads,
)

GRAPH = import_graph(source_files())


def test_the_graph_is_read_from_every_app():
    assert {"subsidies.models", "checklists.models", "comparisons.similarity", "assistant.views"} <= set(
        GRAPH
    )
    assert "subsidies.models" in GRAPH["checklists.models"]
    assert "subsidies.clock" in GRAPH["subsidies.models"]


def test_no_module_imports_an_app_above_or_beside_its_own():
    assert upward_imports(GRAPH) == []


def test_no_modules_import_each_other_in_a_circle():
    assert import_circles(GRAPH) == []


def test_the_core_s_templates_and_the_site_frame_load_no_feature_app_s_tags():
    assert upward_loads(ROOT / "templates", template_libraries()) == []


# The checks themselves, on a small project written for the purpose: each finds what it is for.


def _project(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return import_graph(source_files(["subsidies", "comparisons", "config"], root=tmp_path))


def test_an_import_of_a_feature_app_or_of_config_from_the_core_is_found_even_inside_a_function(tmp_path):
    graph = _project(
        tmp_path,
        {
            "subsidies/__init__.py": "",
            "subsidies/models.py": "def f():\n    from comparisons import table\n",
            "subsidies/views.py": "import config.middleware\n",
            "comparisons/__init__.py": "",
            "comparisons/table.py": "from subsidies.models import X\n",
            "config/__init__.py": "",
            "config/middleware.py": "from comparisons import table\n",
        },
    )
    assert upward_imports(graph) == [
        "subsidies.models -> comparisons.table",
        "subsidies.views -> config.middleware",
    ]


def test_a_circle_through_relative_and_deferred_imports_is_found(tmp_path):
    graph = _project(
        tmp_path,
        {
            "subsidies/__init__.py": "",
            "subsidies/models.py": "from .search import Field\n",
            "subsidies/search.py": "def f():\n    from subsidies import versioning\n",
            "subsidies/versioning.py": "from . import models\n",
            "subsidies/clock.py": "",
        },
    )
    assert import_circles(graph) == [["subsidies.models", "subsidies.search", "subsidies.versioning"]]


def test_a_core_template_loading_a_feature_app_s_tags_is_found(tmp_path):
    (tmp_path / "templates" / "subsidies").mkdir(parents=True)
    (tmp_path / "templates" / "comparisons").mkdir()
    (tmp_path / "templates" / "subsidies" / "page.html").write_text(
        "{% load static subsidy_format compare %}"
    )
    (tmp_path / "templates" / "base.html").write_text("{% load tag from compare %}")
    (tmp_path / "templates" / "comparisons" / "table.html").write_text("{% load compare subsidy_format %}")
    libraries = {"subsidy_format": "subsidies", "compare": "comparisons"}
    assert upward_loads(tmp_path / "templates", libraries) == [
        "base.html: compare",
        "subsidies/page.html: compare",
    ]
