"""The Kytos exceptions a NApp load can raise (subset)."""


class KytosCoreException(Exception):
    """Base of the Kytos core exceptions."""

    def __str__(self):
        return "KytosCore exception: " + super().__str__()


class KytosNAppException(Exception):
    """Base of the NApp exceptions; the text is kept in ``message``."""

    def __init__(self, message="KytosNAppException"):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class KytosNAppSetupException(KytosNAppException):
    """Main(controller) raised: Kytos wraps the error in this one."""

    def __init__(self, message="KytosNAppSetupException"):
        super().__init__(message=message)

    def __str__(self):
        return f"KytosNAppSetupException: {self.message}"
