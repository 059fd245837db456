"""The private file storage: uploaded documents that must never have a public address."""

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty


class PrivateStorage(FileSystemStorage):
    """A folder outside every served one (``settings.PRIVATE_MEDIA_ROOT``). It has no URL on
    purpose: a file is read only through a view that checks permission and streams it."""

    def url(self, name):
        raise ValueError("Private files have no URL: stream them through a view that checks permission.")


class _PrivateStorageProxy(LazyObject):
    """The ``private`` storage of ``settings.STORAGES``, looked up when first used and again after
    the setting changes (a model field keeps its storage object for the life of the process)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorageProxy()


def private_storage():
    """The storage of private documents (a callable, so that migrations name it rather than copy
    its folder)."""
    return _private


def _forget_private_storage(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        _private._wrapped = empty


setting_changed.connect(_forget_private_storage, dispatch_uid="organisations.storage.private")
