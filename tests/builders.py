"""Small builders for test data: only the fields a test cares about need naming."""

from conditions.models import Category, Condition, Section, SectionItem, Stage, StageItem


def make_category(name="Spine", slug=None):
    category, _ = Category.objects.get_or_create(slug=slug or name.lower().replace(" ", "-"), defaults={"name": name})
    return category


def make_condition(title="Test Condition", status=Condition.Status.PUBLISHED, **fields):
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    fields.setdefault("summary", f"A short summary of {title}.")
    fields.setdefault("category", make_category())
    return Condition.objects.create(title=title, status=status, **fields)


def add_section(condition, kind=Section.Kind.SYMPTOMS, items=(), heading=None, **fields):
    section = Section.objects.create(
        condition=condition, kind=kind, heading=heading or Section.Kind(kind).label, **fields
    )
    for position, text in enumerate(items):
        SectionItem.objects.create(section=section, description=text, position=position)
    return section


def add_stage(section, title, items=(), **fields):
    stage = Stage.objects.create(section=section, title=title, position=section.stages.count(), **fields)
    for position, text in enumerate(items):
        StageItem.objects.create(stage=stage, description=text, position=position)
    return stage


def make_full_condition(title="Large Condition", items_per_list=3, stages=2):
    """A condition with every section kind, each with items; the physiotherapy section has stages."""
    condition = make_condition(title)
    for position, kind in enumerate(Section.Kind.values):
        items = [f"{kind} item {n}" for n in range(items_per_list)]
        section = add_section(condition, kind=kind, items=items, position=position, lead=f"{kind} lead.")
        if kind == Section.Kind.PHYSIOTHERAPY:
            for n in range(stages):
                add_stage(section, f"Stage {n}", items=[f"stage {n} item {i}" for i in range(items_per_list)])
    return condition
