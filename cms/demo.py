"""Demo data, CMS: the home page as the root of the default site."""

from wagtail.models import Page, Site

from .models import HomePage


def ensure_home() -> HomePage:
    home = HomePage.objects.first()
    if home:
        return home
    root = Page.get_first_root_node()
    # Wagtail's installer leaves a plain "Welcome" page with slug "home": replace it.
    for welcome in root.get_children().filter(slug="home"):
        if welcome.specific_class is Page:
            Site.objects.filter(root_page=welcome).delete()
            welcome.delete()
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(
            title="共治 · 芜湖市物业管理综合信息平台",
            slug="home",
            intro="业主在线表决，维修资金紧急使用不再等几个月，物业服务企业信用公开评价。",
        )
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "127.0.0.1", "port": 80, "root_page": home, "site_name": "共治"},
    )
    return home


def load(stdout=None) -> None:
    ensure_home()
