"""The page where a provider writes what its site says to those who refer and those who arrive
(its description, meals, check-in instructions), in French, English and Spanish."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing import selectors, services
from housing.models import Site
from organisations.directory_forms import language_versions, translated_field_names
from organisations.errors import ApplicationError, NotFoundError
from organisations.forms import add_model_errors
from organisations.permissions import Action

SITE_TEXTS = {
    "description": gettext_lazy("About the place"),
    "meals": gettext_lazy("Meals"),
    "check_in_hours": gettext_lazy("Check-in hours, as written"),
}


class SiteTextsForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = translated_field_names(*SITE_TEXTS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in translated_field_names("description")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.text_groups = language_versions(self, SITE_TEXTS)


@login_required
def site_texts(request, site_id: int):
    site = selectors.site_list(user=request.user, action=Action.CHANGE).filter(pk=site_id).first()
    if site is None:
        raise Http404
    # The form changes a copy: the page shows the stored site while a refused form is corrected.
    form = SiteTextsForm(request.POST or None, instance=Site.objects.get(pk=site.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(actor=request.user, site=site, **form.cleaned_data)
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("%(site)s: its texts are saved.") % {"site": site.name})
            return redirect(f"{reverse('housing:provider')}#site-{site.pk}")
    return render(request, "housing/site_texts.html", {"site": site, "form": form}, status=400 if form.errors else 200)
