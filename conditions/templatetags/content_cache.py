"""{% content_cache key "name" %}…{% endcontent_cache %}: a block rendered once per content version.

key comes from dmphysios.page_cache.content_key(); when it is None the block is rendered every time.
"""

from django import template

from dmphysios.page_cache import cached_content

register = template.Library()


@register.tag
def content_cache(parser, token):
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a key and a fragment name")
    nodelist = parser.parse(("endcontent_cache",))
    parser.delete_first_token()
    return ContentCacheNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))


class ContentCacheNode(template.Node):
    def __init__(self, nodelist, key, name):
        self.nodelist, self.key, self.name = nodelist, key, name

    def render(self, context):
        key = self.key.resolve(context)
        if key is not None:
            key = f"{key}:{self.name.resolve(context)}"
        return cached_content(key, lambda: self.nodelist.render(context))
