"""Forms of the trajectory pages. Lists of codes (pathways, stages, languages, French levels)
are ticked in checkboxes, never typed as JSON."""

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organisations.choices import SPOKEN_LANGUAGES
from organisations.models import Organisation, Service
from organisations.texts import translated
from people.choices import ClaimPathway, ClaimStage, FrenchLevel
from people.forms import DateInput
from people.models import DeadlineRule
from trajectory.choices import (
    CONTENT_LANGUAGES,
    EnrolmentOutcome,
    InterpreterMode,
    InterpreterStatus,
    StepDecisionState,
    Vulnerability,
)
from trajectory.models import Assessment, Entitlement, Guide, Phase, Programme, Step

CHECKBOXES = forms.CheckboxSelectMultiple


def _codes(label, choices, help_text=""):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=CHECKBOXES, help_text=help_text
    )


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["position", "name_fr", "name_en", "name_es"]


class StepForm(forms.ModelForm):
    """A step: what carries it, its conditions and its usual time."""

    pathways = _codes(_("Only for these claim pathways"), ClaimPathway.choices, _("None ticked: every pathway."))
    stages = _codes(_("Only at these claim stages"), ClaimStage.choices, _("None ticked: every stage."))
    languages = _codes(_("Only for people speaking"), sorted(SPOKEN_LANGUAGES.items(), key=lambda item: str(item[1])))
    french_levels = _codes(_("Only at these French levels"), FrenchLevel.choices)

    class Meta:
        model = Step
        fields = [
            "name_fr",
            "name_en",
            "name_es",
            "kind",
            "intervention_type",
            "need_category",
            "milestone_kind",
            "only_if_needed",
            "usual_days",
            "usual_from",
            "pathways",
            "stages",
            "children",
            "languages",
            "french_levels",
            "sensitive_group",
            "explanation_fr",
            "explanation_en",
            "explanation_es",
            "position",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in ("explanation_fr", "explanation_en", "explanation_es")
        }

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"] = forms.ModelChoiceField(
            label=_("Phase"), queryset=Phase.objects.filter(pk__in=[phase.pk for phase in phases]), empty_label=None
        )
        self.fields["phase"].label_from_instance = lambda phase: translated(phase, "name", get_language()).text
        self.order_fields(["phase", *self.Meta.fields])


class EntitlementForm(forms.ModelForm):
    stages = _codes(_("Open at these claim stages"), ClaimStage.choices, _("None ticked: at every stage."))

    class Meta:
        model = Entitlement
        fields = [
            "name_fr",
            "name_en",
            "name_es",
            "description_fr",
            "description_en",
            "description_es",
            "stages",
            "requires_milestone",
            "service",
            "sensitive_group",
            "position",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in ("description_fr", "description_en", "description_es")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = (
            Service.objects.filter(organisation__is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.fields["service"].label_from_instance = lambda service: f"{service.organisation.name} — {service.name}"


class GuideForm(forms.ModelForm):
    pathways = _codes(_("Only for these claim pathways"), ClaimPathway.choices, _("None ticked: every pathway."))
    stages = _codes(_("Only at these claim stages"), ClaimStage.choices, _("None ticked: every stage."))

    class Meta:
        model = Guide
        fields = [
            "title_fr",
            "title_en",
            "title_es",
            "body_fr",
            "body_en",
            "body_es",
            "pathways",
            "stages",
            "sensitive_group",
            "slug",
            "position",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 10}) for name in ("body_fr", "body_en", "body_es")}
        help_texts = {
            "body_fr": _('Paragraphs are separated by an empty line; lines starting with "- " make a list.'),
        }


class DeadlineRuleForm(forms.ModelForm):
    pathways = _codes(_("Claim pathways"), ClaimPathway.choices, _("None ticked: every pathway."))

    class Meta:
        model = DeadlineRule
        fields = ["trigger", "pathways", "due", "days", "remind_days_before"]


class StepDecisionForm(forms.Form):
    state = forms.ChoiceField(label=_("Decision"), choices=StepDecisionState.choices)
    decided_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Why"), max_length=300, required=False)


class DocumentForm(forms.Form):
    """The person's document: their language, and the sensitive parts ticked in with them."""

    language = forms.ChoiceField(label=_("Language of the document"), choices=CONTENT_LANGUAGES)
    immigration = forms.BooleanField(
        label=_("Include the claim and its deadlines"),
        required=False,
        help_text=_("Sensitive: tick only with the person's agreement."),
    )
    health = forms.BooleanField(
        label=_("Include the health steps"),
        required=False,
        help_text=_("Sensitive: tick only with the person's agreement."),
    )


class InterpreterRequestForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())
    needed_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    mode = forms.ChoiceField(label=_("How"), choices=InterpreterMode.choices)
    provider = forms.CharField(label=_("Asked of"), max_length=200, help_text=_("The interpreter bank, a volunteer…"))
    purpose = forms.CharField(label=_("For"), max_length=300, help_text=_("The appointment or the intervention."))

    def clean_needed_at(self):
        needed_at = self.cleaned_data["needed_at"]
        # Refused here, before any conversion to UTC (near year 9999 it overflows).
        if needed_at.year > timezone.localdate().year + 2:
            raise forms.ValidationError(_("Give a date from the last month to two years from now."))
        return needed_at

    def __init__(self, *args, person=None, **kwargs):
        # On the person file beside other forms with a language and a mode: ids of its own.
        kwargs.setdefault("auto_id", "id_interpreter_%s")
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = sorted(SPOKEN_LANGUAGES.items(), key=lambda item: str(item[1]))
        if person is not None:
            self.fields["language"].initial = person.preferred_language


class InterpreterStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=InterpreterStatus.choices)


class AssessmentForm(forms.ModelForm):
    vulnerabilities = _codes(_("Vulnerabilities"), Vulnerability.choices)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_assessment_%s")
        super().__init__(*args, **kwargs)

    class Meta:
        model = Assessment
        fields = ["assessed_on", "vulnerabilities", "urgency", "complex_situation", "review_on", "note"]
        widgets = {"assessed_on": DateInput(), "review_on": DateInput()}


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "starts_on", "ends_on", "capacity", "eligibility", "partners"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "partners": CHECKBOXES}

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = partners if partners is not None else Organisation.objects.none()


class EnrolForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programmes is not None:
            self.fields["programme"].queryset = programmes


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=EnrolmentOutcome.choices, required=False)
    outcome_on = forms.DateField(label=_("Date of the outcome"), widget=DateInput(), required=False)
