.include "a\nb"
