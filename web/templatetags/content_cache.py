"""{% content_cache key "name" [vary_on ...] %}…{% endcontent_cache %}: a block rendered once per content version.

key comes from web.page_cache.content_key(); when it is None the block is rendered every time. Like
Django's {% cache %}, the block is kept once for each combination of the vary_on values.
"""

from django import template

from web.page_cache import cached_content

register = template.Library()


@register.tag
def content_cache(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a key, a fragment name and optional vary_on values")
    nodelist = parser.parse(("endcontent_cache",))
    parser.delete_first_token()
    return ContentCacheNode(nodelist, *(parser.compile_filter(bit) for bit in bits[1:]))


class ContentCacheNode(template.Node):
    def __init__(self, nodelist, key, *names):
        self.nodelist, self.key, self.names = nodelist, key, names

    def render(self, context):
        key = self.key.resolve(context)
        if key is not None:
            key = ":".join([key, *(str(name.resolve(context)) for name in self.names)])
        return cached_content(key, lambda: self.nodelist.render(context))
