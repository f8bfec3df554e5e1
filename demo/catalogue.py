"""Sizes and shapes of the demo business: its buildings, rooms, services and prices,
the name tables its people are drawn from, what they write, and how statuses,
payment parts and methods are spread over the orders."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from models.statuses import OrderStatus as St
from models.statuses import PaymentMethod, ServiceType, Unit

MOSCOW = ZoneInfo("Europe/Moscow")
MINUTE, HOUR, DAY = 60, 3_600, 86_400
HISTORY_DAYS = 365  # the demo year ends today…
AHEAD_DAYS = 60  # …and bookings run on into the next 60 days
MIN_ORDERS = 200  # below this the shares below stop making sense
FLUSH_ORDERS = 20_000  # orders per bulk write (with their items, payments…)
# Shares of the orders; booking, hotel and event orders are further capped by
# what their rooms and halls can hold.
COWORKING_SHARE = 0.20
BOOKING_SHARE = 0.05
HOTEL_SHARE = 0.03
EVENT_SHARE = 0.05
FREE_KINDS = {ServiceType.GOODS: 0.55, ServiceType.SIMPLE: 0.28, ServiceType.REQUEST: 0.17}
MESSAGE_SHARE = 0.25  # orders with a conversation
VALIDATED_SHARE = 0.75  # started tickets whose visitor showed ID at the desk
PARTLY_REFUNDED_SHARE = 0.5  # refunds pending with a first part already paid back
CHECKED_IN_SHARE = 0.80  # tickets of past events scanned at the door
WEEKEND_FACTOR = 0.5  # a Saturday or Sunday is this busy compared with a weekday

BUILDINGS: tuple[tuple[str, str, str], ...] = (  # name, address, short name
    ('Технопарк "Сколково", корпус А', "Москва, Большой бульвар, 42, стр. 1", "Корпус А"),
    ('Технопарк "Сколково", корпус Б', "Москва, Большой бульвар, 42, стр. 2", "Корпус Б"),
    ('Бизнес-центр "Технополис"', "Москва, Волгоградский проспект, 42, корп. 5", "Технополис"),
)
OFFICES = (105, 214, 230, 312, 318, 407, 512)
# building, room, service, share of the seats, price factor
COWORKING_ROOMS: tuple[tuple[int, str, str, float, float], ...] = (
    (0, "Open Space А", "Коворкинг Open Space", 0.40, 1.0),
    (0, "Тихая зона", 'Коворкинг "Тихая зона"', 0.15, 1.3),
    (1, "Open Space Б", "Коворкинг Open Space, корпус Б", 0.25, 1.0),
    (2, "Коворкинг Технополис", 'Коворкинг "Технополис"', 0.20, 0.8),
)
COWORKING_TARIFFS: tuple[tuple[str, Unit, int], ...] = (
    ("Час", Unit.HOUR, 30_000),
    ("День", Unit.DAY, 150_000),
    ("Месяц", Unit.MONTH, 1_500_000),
)
# building, room (= service name), capacity, price per hour
MEETING_ROOMS: tuple[tuple[int, str, int, int], ...] = (
    (0, "Переговорная Java", 8, 150_000),
    (0, "Переговорная Python", 12, 200_000),
    (0, "Переговорная Kotlin", 6, 120_000),
    (1, "Переговорная Go", 10, 180_000),
    (1, "Переговорная Rust", 6, 120_000),
    (2, "Переговорная Scala", 8, 150_000),
    (2, "Переговорная C++", 20, 300_000),
)
HOTEL_BUILDING = 1
HOTEL_NAME = 'Отель "Сколково"'
# category, price per night, guests, room numbers
HOTEL_CATEGORIES: tuple[tuple[str, int, int, tuple[int, ...]], ...] = (
    ("Стандарт", 550_000, 2, (101, 102, 103, 104, 105, 106)),
    ("Комфорт", 750_000, 2, (201, 202, 203, 204)),
    ("Люкс", 1_200_000, 3, (301, 302)),
)
HOTEL_EXTRAS: dict[str, tuple[str, int]] = {  # code -> item name, price
    "breakfast": ("Завтрак", 80_000),
    "taxi": ("Трансфер на такси", 180_000),
    "early_check_in": ("Ранний заезд", 250_000),
    "late_check_out": ("Поздний выезд", 250_000),
}
EVENT_HALL = (0, "Конгресс-холл", 300)
# service, tariffs (name, price), start hour, minutes, weight, titles
EventSeries = tuple[str, tuple[tuple[str, int], ...], int, int, int, tuple[str, ...]]
EVENT_SERIES: tuple[EventSeries, ...] = (
    (
        'Конференция "Технологии будущего"',
        (("Стандартный билет", 250_000), ("Студенческий билет", 80_000), ("VIP-билет", 900_000)),
        10,
        480,
        10,
        ("ИИ в промышленности", "Умный город", "Новые материалы", "Биотех и медицина"),
    ),
    (
        'Митап "Python в Сколково"',
        (("Билет", 50_000),),
        19,
        150,
        35,
        (
            "Асинхронность на практике",
            "Типизация в больших проектах",
            "Data Science в проде",
            "Профилирование и скорость",
        ),
    ),
    (
        'Лекторий "Наука для бизнеса"',
        (("Билет", 30_000), ("Льготный билет", 15_000)),
        19,
        90,
        30,
        (
            "Как привлечь инвестиции",
            "Патенты для стартапа",
            "Квантовые вычисления",
            "Экономика платформ",
        ),
    ),
    (
        'Воркшоп "Продуктовый дизайн"',
        (("Участие", 350_000),),
        11,
        240,
        15,
        ("UX-исследования", "Прототипирование", "Дизайн-системы"),
    ),
    (
        "Demo Day стартапов",
        (("Гостевой билет", 20_000), ("Билет инвестора", 500_000)),
        16,
        240,
        10,
        ("Весенний поток акселератора", "Осенний поток акселератора", "Финал конкурса проектов"),
    ),
)
# name, cancellable, tariffs (name, unit, price, largest quantity), descriptions
SIMPLE_SERVICES: tuple[
    tuple[str, bool, tuple[tuple[str, Unit, int, int], ...], tuple[str, ...]], ...
] = (
    (
        "Клининговые услуги",
        True,
        (
            ("Уборка офиса до 20 м²", Unit.PIECE, 150_000, 1),
            ("Уборка офиса до 50 м²", Unit.PIECE, 300_000, 1),
            ("Мойка окон", Unit.PIECE, 250_000, 1),
            ("Химчистка мебели", Unit.PIECE, 450_000, 1),
        ),
        ("Уборка после мероприятия", "Еженедельная уборка офиса", "Нужна уборка к приезду гостей"),
    ),
    (
        "Печать и сканирование",
        False,
        (
            ("Печать A4, ч/б", Unit.PIECE, 1_000, 100),
            ("Печать A4, цвет", Unit.PIECE, 3_000, 40),
            ("Сканирование", Unit.PIECE, 500, 60),
        ),
        ("Договоры в двух экземплярах", "Раздаточные материалы", "Сканы документов на почту"),
    ),
    (
        "Парковка",
        False,
        (
            ("Разовый въезд", Unit.DAY, 50_000, 3),
            ("Гостевой пропуск на автомобиль", Unit.PIECE, 30_000, 2),
        ),
        ("Гость на автомобиле, номер А123ВС 777", "Въезд для доставки оборудования"),
    ),
    (
        "Аренда оборудования",
        True,
        (
            ("Проектор", Unit.DAY, 150_000, 2),
            ("Флипчарт", Unit.DAY, 50_000, 2),
            ("Ноутбук", Unit.DAY, 200_000, 3),
        ),
        ("Для презентации в переговорной", "На время стажировки сотрудника"),
    ),
)
REQUEST_SERVICES: tuple[
    tuple[str, bool, tuple[tuple[str, Unit, int, int], ...], tuple[str, ...]], ...
] = (
    (
        "Техническая поддержка",
        True,
        (
            ("Консультация", Unit.PIECE, 0, 1),
            ("Настройка рабочего места", Unit.PIECE, 120_000, 1),
            ("Подключение к Wi-Fi и VPN", Unit.PIECE, 0, 1),
        ),
        (
            "Не подключается принтер",
            "Нет доступа к Wi-Fi",
            "Нужен второй монитор",
            "Не работает пропуск",
        ),
    ),
    (
        "Заявка на ремонт",
        True,
        (
            ("Вызов электрика", Unit.PIECE, 80_000, 1),
            ("Вызов сантехника", Unit.PIECE, 80_000, 1),
            ("Мелкий ремонт мебели", Unit.PIECE, 60_000, 1),
        ),
        (
            "Не работает розетка у окна",
            "Течёт кран на кухне",
            "Сломалось кресло",
            "Мигает свет в кабинете",
        ),
    ),
    (
        "Обращение в управляющую компанию",
        True,
        (("Обращение", Unit.PIECE, 0, 1),),
        ("Жарко в офисе, проверьте кондиционер", "Шумно у соседей", "Нужна табличка на дверь"),
    ),
)
# What the executor of a simple service or request is asked to bring (form field "bring").
THINGS_TO_BRING: dict[str, tuple[str, ...]] = {
    "Клининговые услуги": ("Тряпка", "Ведро", "Пылесос", "Средства для чистки"),
    "Заявка на ремонт": ("Стремянка", "Набор инструментов", "Запасные лампы", "Удлинитель"),
    "Техническая поддержка": ("Кабель HDMI", "Запасная мышь", "Переходник USB-C"),
}
WANTED_AT_SHARE = 0.7  # simple services and requests with a wanted date and time
BRING_SHARE = 0.8  # of the services above, orders that say what to bring
GOODS_SERVICES: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    (
        "Кафе: обеды",
        (
            ("Бизнес-ланч", 45_000),
            ("Борщ с пампушками", 29_000),
            ("Суп дня", 22_000),
            ('Салат "Цезарь" с курицей', 42_000),
            ("Паста карбонара", 49_000),
            ("Плов с бараниной", 45_000),
            ("Котлета по-киевски с пюре", 52_000),
            ("Сырники со сметаной", 32_000),
            ("Морс клюквенный", 12_000),
            ("Компот", 9_000),
        ),
    ),
    (
        "Кафе: кофейня",
        (
            ("Капучино", 19_000),
            ("Латте", 21_000),
            ("Американо", 15_000),
            ("Круассан", 16_000),
            ("Чизкейк", 28_000),
        ),
    ),
    (
        "Кейтеринг для переговорной",
        (("Кофе-брейк на одного", 35_000), ("Фуршет на одного", 120_000), ("Вода, 0,5 л", 8_000)),
    ),
)
GOODS_WEIGHTS = (60, 30, 10)
COWORKING_MODIFIERS: dict[str, tuple[str, int, int]] = {  # code -> item, price per day, per month
    "locker": ("Шкафчик для вещей", 10_000, 150_000),
    "printer": ("Доступ к принтеру", 20_000, 100_000),
    "legal_support": ("Юридическая консультация", 150_000, 300_000),
}

MALE_FIRST = (
    "Александр",
    "Алексей",
    "Андрей",
    "Антон",
    "Артём",
    "Борис",
    "Вадим",
    "Виктор",
    "Владимир",
    "Дмитрий",
    "Евгений",
    "Егор",
    "Иван",
    "Игорь",
    "Илья",
    "Кирилл",
    "Константин",
    "Максим",
    "Михаил",
    "Никита",
    "Николай",
    "Олег",
    "Павел",
    "Роман",
    "Сергей",
    "Станислав",
    "Тимур",
    "Фёдор",
    "Юрий",
    "Ярослав",
)
FEMALE_FIRST = (
    "Александра",
    "Алина",
    "Анастасия",
    "Анна",
    "Валерия",
    "Вера",
    "Виктория",
    "Дарья",
    "Екатерина",
    "Елена",
    "Елизавета",
    "Ирина",
    "Кристина",
    "Ксения",
    "Марина",
    "Мария",
    "Надежда",
    "Наталья",
    "Оксана",
    "Ольга",
    "Полина",
    "Светлана",
    "София",
    "Татьяна",
    "Юлия",
    "Яна",
)
PATRONYMICS: tuple[tuple[str, str], ...] = tuple(
    (root + "ич", root + "на")
    for root in (
        "Александров",
        "Алексеев",
        "Андреев",
        "Борисов",
        "Викторов",
        "Владимиров",
        "Дмитриев",
        "Евгеньев",
        "Иванов",
        "Игорев",
        "Константинов",
        "Михайлов",
        "Николаев",
        "Олегов",
        "Павлов",
        "Петров",
        "Романов",
        "Сергеев",
        "Юрьев",
        "Вадимов",
    )
)
LAST_NAMES = (
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Калинин",
    "Исаев",
    "Быков",
    "Маслов",
    "Лазарев",
    "Климов",
    "Голубев",
    "Кудрявцев",
    "Островский",
    "Вишневский",
    "Покровский",
    "Заболоцкий",
    "Трубецкой",
    "Руденко",
    "Шевченко",
    "Бондаренко",
    "Ким",
    "Цой",
    "Черных",
    "Седых",
)
COMPANIES: tuple[tuple[str, str | None], ...] = (
    ('ООО "Нейросети"', "neuroseti.ru"),
    ('ООО "Кванттех"', "quanttech.ru"),
    ('АО "Роботикс Лаб"', "robotics-lab.ru"),
    ('ООО "Зелёная энергия"', "green-energy.ru"),
    ('ООО "БиоСинтез"', "biosintez.ru"),
    ('ООО "ДатаФлоу"', "dataflow.ru"),
    ('ООО "Умный город"', "umny-gorod.ru"),
    ('ООО "Агротех Решения"', "agrotech-r.ru"),
    ('ООО "МедИнфо"', "medinfo-lab.ru"),
    ('ООО "Космос Девелопмент"', "cosmos-dev.ru"),
    ('ООО "Финтех Плюс"', "fintechplus.ru"),
    ('АО "Сенсорика"', "sensorika.ru"),
    ('ООО "Облачные системы"', "cloudsys.ru"),
    ('ООО "ГеоСкан Лаб"', "geoscan-lab.ru"),
    ('ООО "ЭдТех Академия"', "edtech-academy.ru"),
    ('ООО "Смарт Логистик"', "smart-logistic.ru"),
    ('ООО "Новые материалы"', "new-materials.ru"),
    ('ООО "Цифровой двойник"', "digital-twin.ru"),
    ("ИП Сорокин А. В.", None),
    ("ИП Белова Е. Н.", None),
    ("Сообщество Python-разработчиков", None),
    ("Клуб стартапов Сколково", None),
)
MAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "rambler.ru")
TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)
ORDER_COMMENTS = (
    "Позвоните за 15 минут до прихода.",
    "Счёт выставить на компанию.",
    "Нужны закрывающие документы.",
    "Оплата по безналу, реквизиты в профиле.",
    "Гость задержится на полчаса.",
    "Без лука, пожалуйста.",
)
CUSTOMER_QUESTIONS = (
    "Добрый день! Можно ли перенести на другое время?",
    "Подскажите, пожалуйста, как получить закрывающие документы?",
    "Нужен счёт на компанию, реквизиты пришлю.",
    "Спасибо, всё отлично!",
    "Можно ли добавить ещё одного человека?",
    "Во сколько можно подойти?",
    "Пришлите, пожалуйста, чек на почту.",
)
STAFF_REPLIES = (
    "Добрый день! Да, конечно.",
    "Здравствуйте! Документы отправили на вашу почту.",
    "Спасибо за обращение, передали ответственному сотруднику.",
    "Да, всё готово, ждём вас.",
    "Уточним и вернёмся с ответом в течение часа.",
)
INTERNAL_NOTES = (
    "Клиент — резидент, скидку согласовать с руководителем.",
    "Проверить оплату по выписке.",
    "Постоянный клиент, просит счёт на юрлицо.",
    "Перезвонить клиенту после 15:00.",
    "Ключ от шкафчика выдан.",
    "Клиент просил не звонить, только почта.",
)
# The statuses as the demo's Russian system notes name them ("Статус изменён на «…»"):
# the demo's conversations are Russian text, like the rest of its people and places;
# tests/test_i18n.py checks these are the Russian catalog's labels.
STATUS_NOTES: dict[St, str] = {
    St.NEW: "Новый",
    St.NEW_PAYMENT_PENDING: "Новый. В процессе оплаты",
    St.NEW_AWAITING_INVOICE: "Новый. Ожидает выставления счета на оплату",
    St.INVOICE_ISSUED: "Безналичный расчет. Счет выставлен",
    St.CONFIRMED_BALANCE_DUE: "Подтвержден. Необходимо оплатить остаток",
    St.CONFIRMED: "Подтвержден",
    St.IN_PROGRESS: "В работе",
    St.DONE_AWAITING_CONFIRMATION: "Выполнен. Ожидает подтверждения",
    St.DONE: "Выполнен",
    St.CANCELLED: "Отменен",
    St.CANCELLED_PAYMENT_FAILED: "Отменен. Неуспешная оплата",
    St.CANCELLED_REFUND_PENDING: "Отменен. Выполняется возврат",
    St.CANCELLED_REFUNDED: "Отменен. Выполнен возврат",
}

# Order statuses. Orders with a fixed period get them dealt per pool, by where
# the period lies relative to now; orders of simple services, requests and the
# cafe by their age (the confirmation timeout of SPEC §3 is 3 days).
PAST, RUNNING, FUTURE = "past", "running", "future"
PERIOD_STATUSES: dict[str, dict[St, int]] = {
    FUTURE: {
        St.NEW: 8,
        St.NEW_PAYMENT_PENDING: 4,
        St.NEW_AWAITING_INVOICE: 3,
        St.INVOICE_ISSUED: 3,
        St.CONFIRMED_BALANCE_DUE: 22,
        St.CONFIRMED: 50,
        St.CANCELLED: 4,
        St.CANCELLED_PAYMENT_FAILED: 2,
        St.CANCELLED_REFUND_PENDING: 2,
        St.CANCELLED_REFUNDED: 2,
    },
    RUNNING: {
        St.CONFIRMED: 84,
        St.CONFIRMED_BALANCE_DUE: 10,
        St.CANCELLED: 3,
        St.CANCELLED_REFUNDED: 3,
    },
    # Over: the sweep completed the paid ones (SPEC §9.1); a few still owe (overdue).
    PAST: {
        St.DONE: 87,
        St.CONFIRMED_BALANCE_DUE: 1,
        St.CANCELLED: 4,
        St.CANCELLED_PAYMENT_FAILED: 2,
        St.CANCELLED_REFUNDED: 6,
    },
}
WORK_STATUSES: tuple[tuple[int, dict[St, int]], ...] = (  # (younger than, statuses)
    (
        DAY,
        {
            St.NEW: 30,
            St.NEW_PAYMENT_PENDING: 6,
            St.NEW_AWAITING_INVOICE: 5,
            St.INVOICE_ISSUED: 4,
            St.IN_PROGRESS: 30,
            St.DONE_AWAITING_CONFIRMATION: 15,
            St.CANCELLED: 5,
            St.CANCELLED_PAYMENT_FAILED: 5,
        },
    ),
    (
        3 * DAY,
        {
            St.NEW: 6,
            St.INVOICE_ISSUED: 4,
            St.IN_PROGRESS: 30,
            St.DONE_AWAITING_CONFIRMATION: 40,
            St.DONE: 14,
            St.CANCELLED: 4,
            St.CANCELLED_REFUND_PENDING: 2,
        },
    ),
    (
        14 * DAY,
        {
            St.IN_PROGRESS: 8,
            St.DONE: 80,
            St.CANCELLED: 5,
            St.CANCELLED_REFUND_PENDING: 3,
            St.CANCELLED_REFUNDED: 4,
        },
    ),
)
WORK_SETTLED = {
    St.DONE: 89,
    St.CANCELLED: 5,
    St.CANCELLED_REFUNDED: 4,
    St.CANCELLED_PAYMENT_FAILED: 2,
}
GOODS_STATUSES: tuple[tuple[int, dict[St, int]], ...] = (
    (
        DAY,
        {
            St.NEW: 15,
            St.NEW_PAYMENT_PENDING: 5,
            St.IN_PROGRESS: 20,
            St.DONE: 50,
            St.CANCELLED: 5,
            St.CANCELLED_PAYMENT_FAILED: 5,
        },
    ),
)
GOODS_SETTLED = {
    St.DONE: 93,
    St.CANCELLED: 3,
    St.CANCELLED_REFUNDED: 2,
    St.CANCELLED_PAYMENT_FAILED: 2,
}
DEAL_DAYS = 14  # orders younger than this get their statuses dealt, not drawn
# Cancellations a manager makes; a service that disallows cancelling never has them.
MANUAL_CANCELS = frozenset({St.CANCELLED, St.CANCELLED_REFUND_PENDING, St.CANCELLED_REFUNDED})
# Statuses whose order is paid up: work starts on simple services and requests
# once they are paid (an unpaid one waits as new or for its invoice).
PAID_IN_FULL = frozenset({St.CONFIRMED, St.DONE, St.IN_PROGRESS, St.DONE_AWAITING_CONFIRMATION})
# How many payments settle an order: part counts and their weights.
PARTS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "month": ((1, 2, 3), (2, 4, 4)),  # residents pay a month in instalments
    "coworking": ((1, 2), (5, 5)),  # prepayment, the rest at the desk
    ServiceType.HOTEL: ((1, 2, 3), (2, 5, 3)),  # prepayment, check-in, extras at check-out
    ServiceType.GOODS: ((1, 2, 3, 4), (10, 40, 30, 20)),  # meal subsidies, split bills
    ServiceType.SIMPLE: ((1, 2, 3), (15, 60, 25)),  # prepayment, then the rest when done
    ServiceType.REQUEST: ((1, 2, 3), (20, 60, 20)),  # call-out fee, then the work
    ServiceType.BOOKING: ((1, 2), (7, 3)),
    ServiceType.EVENT: ((1,), (1,)),
}
METHODS = {
    PaymentMethod.BANK_CARD: 35,
    PaymentMethod.SAVED_CARD: 25,
    PaymentMethod.ONLINE_GATEWAY: 15,
    PaymentMethod.BANK_TRANSFER: 10,
    PaymentMethod.CASH: 8,
    PaymentMethod.MANAGER: 7,
}
RECORDED_BY_STAFF = frozenset({PaymentMethod.CASH, PaymentMethod.MANAGER})
NARROW_NBSP = "\u202f"
