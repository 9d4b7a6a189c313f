"""The registered architectures as the submit form shows them: what each is, what it takes."""

from __future__ import annotations

from pydantic import BaseModel


class ArchitectureChoice(BaseModel):
    name: str
    family: str
    description: str
    input_size: int
    num_classes: int
    recurrent: bool

    @property
    def label(self) -> str:
        """The option's text: id, input size and classes, so the list alone tells them apart."""
        return f"{self.name} — {self.input_size} px, {self.num_classes} classes"


def architecture_choices() -> list[ArchitectureChoice]:
    # Imported here: the model registry imports torch, which only this page needs.
    from scoring.models import list_models, model_info

    choices = []
    for name in list_models():
        info = model_info(name)
        choices.append(
            ArchitectureChoice(
                name=name,
                family=info.family,
                description=info.description,
                input_size=info.input_size,
                num_classes=info.num_classes,
                recurrent=info.recurrent,
            )
        )
    return choices
