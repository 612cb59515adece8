from django import template

from portal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render Markdown as sanitised HTML: ``{{ page.body|markdown }}``."""
    return render_markdown(text)
